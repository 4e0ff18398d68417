public enum Toolflow {}
