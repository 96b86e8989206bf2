## frontends (being written)
