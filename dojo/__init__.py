"""CollectorDojo: the command line, settings and the glue that runs the simulator's services."""
