## market (being written)
