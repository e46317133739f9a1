public enum MergePlaceholder {}
