"""Background work on a task queue (Huey): embedded in the development server on SQLite, on Redis
for several servers. Each domain registers its jobs and its schedule here; the durable record of
each job (`Job`, like the outbox row for mail) is what makes a job whose worker died run again."""
