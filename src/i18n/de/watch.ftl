## watch (being written)
