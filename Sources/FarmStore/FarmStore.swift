/// The job store: jobs, items, workers and leases, in PostgreSQL or SQLite.
public enum FarmStore {}
