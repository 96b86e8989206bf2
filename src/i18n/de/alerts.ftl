## alerts (being written)
