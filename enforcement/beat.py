"""Beat's scheduler with Redis (var/readme/beat.md): celery-redbeat's, which keeps the schedule and a lock in
Redis so that of several beats one sends, made to outlive a Redis outage.

celery-redbeat alone ends the beat process at the first failed call to Redis (the lock's renewal comes
first in every tick), so a restart of Redis, or a Sentinel failover, would leave no beat at all, and a
beat embedded in a worker (`-B`) would not come back. Here a tick that cannot reach Redis sends nothing
and is tried again after BEAT_MAX_INTERVAL seconds; a beat that finds its lock gone (expired while it was
stalled, or Redis restarted empty) takes it again before it sends anything, waiting as a standby if
another beat took it meanwhile; then it stores the schedule again (a Redis restarted empty lost it).
Sending nothing while in doubt is safe: the next sweep makes up for it. A beat that starts while Redis is
down (redbeat stores the schedule in the scheduler's constructor, and a failure there ended the beat process
— an embedded `-B` beat silently, its worker living on) stores it once Redis answers."""

import logging

from redbeat.schedulers import LUA_EXTEND_TO_SCRIPT, RedBeatScheduler, get_redis
from redis.exceptions import LockError, RedisError

logger = logging.getLogger(__name__)


class ResilientRedBeatScheduler(RedBeatScheduler):
    schedule_stored = False

    def setup_schedule(self):
        """Stores the schedule's entries in Redis; when Redis cannot be reached, the first tick that reaches it
        does (see tick)."""
        try:
            super().setup_schedule()
        except RedisError as error:
            logger.warning(
                "beat: Redis unreachable at start-up (%s); the schedule is stored once it is back", error
            )
            self.schedule_stored = False
            return
        self.schedule_stored = True

    def take_lock(self):
        """Blocks until this beat holds the lock (redbeat's own start-up step, again), then stores the
        schedule's entries again: a Redis restarted empty has lost them (their last run times are kept
        where Redis still has them)."""
        if self.lock is None:
            client = get_redis(self.app)
            self.lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
            self.lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        logger.info("beat: Acquiring lock...")
        self.lock.acquire()
        logger.info("beat: Acquired lock")
        self.setup_schedule()

    def tick(self, *args, **kwargs):
        try:
            if self.lock_key and self.lock is None:  # Redis was down when beat started
                self.take_lock()
            if not self.schedule_stored:  # Redis was down when the scheduler was made, up when it locked
                self.setup_schedule()
                if not self.schedule_stored:
                    return self.max_interval
            try:
                return super().tick(*args, **kwargs)
            except LockError:
                logger.warning(
                    "beat: Not holding the lock (lost, expired or Redis restarted); taking it again"
                )
                self.take_lock()
                return 0
        except RedisError as error:
            logger.warning(
                "beat: Redis unreachable (%s); nothing sent, trying again in %s s", error, self.max_interval
            )
            return self.max_interval
