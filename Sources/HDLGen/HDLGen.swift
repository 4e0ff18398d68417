public enum HDLGen {}
