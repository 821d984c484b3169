"""Cases: models arrive with their own issue (PRODUCT.md)."""
