"""Job adverts that accept badges, and the applications that present them,
kept in each employer's schema. Installed in every tenant ahead of its
models."""
