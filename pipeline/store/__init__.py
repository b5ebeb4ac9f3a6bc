"""Where the datasets go beyond CSV and JSON: typed columns read off the models, Parquet,
SQL databases (SQLite, PostgreSQL), JSON Schemas and a Frictionless data package."""
