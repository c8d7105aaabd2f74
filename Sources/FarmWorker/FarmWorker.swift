/// FarmWorker of the farm.
public enum FarmWorker {}
