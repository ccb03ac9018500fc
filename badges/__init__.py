"""In-house badges: definitions, claims and awards, kept in each employer's
schema. The app is installed in every tenant so its tables are created with
each new employer; its models arrive with the badge features."""
