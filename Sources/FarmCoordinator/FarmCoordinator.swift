/// FarmCoordinator of the farm.
public enum FarmCoordinator {}
