"""The customer database: schema, catalogue, synthetic generator, builder and sample-query knowledge base."""
