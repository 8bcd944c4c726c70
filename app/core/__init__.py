"""The service's core: settings, logs, metrics, the error answers and the CPU process pool.
Every other package may import these; they import nothing of the app outside core."""
