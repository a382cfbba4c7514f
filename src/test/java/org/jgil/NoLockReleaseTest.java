package org.jgil;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Under policy none a release must leave the word free, even one that visits the scheduler. */
@Timeout(60)
class NoLockReleaseTest {
    @AfterEach
    void restore() {
        Gil.setPolicy("cpython");
    }

    @Test
    void aReleaseThatVisitsTheSchedulerUnderNoneLeavesTheWordFree() {
        Gil.setPolicy("none");
        // `waiting` left up, as after contention under a locking policy: releases then use a CAS, and
        // one in JGIL_QUIET_CHECK_EVERY re-takes the word and hands it to the scheduler.
        LockWord.setWaiters();
        LockWord.compareAndSet(LockWord.WAITERS, 0);
        for (int i = 0; i < 1000; i++) {
            Gil.acquire();
            Gil.release();
            assertEquals(0, LockWord.ownerNow(), "release " + i + " left the word owned");
        }
    }
}
