"""portal: the public pages, one module per section; a face on top of the contexts."""
