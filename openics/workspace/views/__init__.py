"""The workspace's pages, one module per part of the board's business."""
