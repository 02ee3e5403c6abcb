"""The director: the deterministic pipeline, the LLM agent over tools, revision by notes."""
