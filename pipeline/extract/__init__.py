"""One extractor per record kind, each over the shared segmented document."""
