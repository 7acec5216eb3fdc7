"""The offline demo's lead-generation agent, in Python (the twin of ../lead-gen/src)."""
