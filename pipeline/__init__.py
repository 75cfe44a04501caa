"""Many report documents in, the register (output/register.db) out."""
