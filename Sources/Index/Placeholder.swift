public enum IndexPlaceholder {}
