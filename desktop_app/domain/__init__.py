"""Plain domain types and rules: no Qt, no SQL."""
