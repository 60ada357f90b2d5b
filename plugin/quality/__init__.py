"""Product quality: a reason's returns of one SKU spiking against its own baseline."""
