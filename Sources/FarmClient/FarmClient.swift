/// FarmClient of the farm.
public enum FarmClient {}
