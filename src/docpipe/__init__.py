"""docpipe: reads the Word files units submit, sorts their opinions into the 四风 categories and
drafts the campaign office's replies."""

__version__ = "0.1.0"
