public enum NotesPlaceholder {}
