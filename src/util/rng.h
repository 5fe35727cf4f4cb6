/* Counter-based random numbers (Philox4x32-10, Salmon et al. SC'11). A draw is a pure function of
 * (seed, stream id a, stream id b, purpose, counter): no state is shared between threads, so results do not
 * depend on the thread count or on scheduling. By convention a = entity id (cell id, source index),
 * b = step number, purpose = one of stroma_rng_purpose, counter = the draw's index within that call. */
#ifndef STROMA_UTIL_RNG_H
#define STROMA_UTIL_RNG_H

#include <stdint.h>

typedef enum stroma_rng_purpose {
    STROMA_RNG_PLACEMENT = 1, /* initial positions */
    STROMA_RNG_CYCLE,
    STROMA_RNG_DEATH,
    STROMA_RNG_MOTILITY,
    STROMA_RNG_DIVISION,
    STROMA_RNG_INTERACTION,
    STROMA_RNG_VESSELS,       /* random vessel seeding */
    STROMA_RNG_RECRUIT_COUNT, /* how many cells enter from the vessels in a step */
    STROMA_RNG_RECRUIT_PLACE, /* where they enter */
    STROMA_RNG_ASYM_DIVISION, /* which type a daughter becomes (asymmetric division) */
    STROMA_RNG_INFUSION,      /* where infused cells enter (therapies.infusions) */
    STROMA_RNG_CONTACT_MECH = 64, /* contact_law physicell: engulfing and attacks at mechanics steps */
    STROMA_RNG_COHORT = 128,      /* a virtual patient's parameters (a = patient, b = parameter; src/trial/) */
    STROMA_RNG_PATIENT_SEED,      /* a virtual patient's run seed (a = patient) */
    STROMA_RNG_TEST = 1000
} stroma_rng_purpose;

typedef struct stroma_rng_key {
    uint64_t seed;
} stroma_rng_key;

/* The raw Philox4x32-10 bijection (checked against the Random123 known-answer vectors in the tests). */
void stroma_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* Four independent 32-bit words for (key, a, b, purpose, counter). */
void stroma_rng_block(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose, uint32_t counter,
                      uint32_t out[4]);

/* Two uniform doubles in [0, 1) (53-bit resolution) for the same inputs. */
void stroma_rng_uniform2(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose, uint32_t counter,
                         double out[2]);

/* One uniform double in (0, 1): never exactly 0, safe for log(). */
double stroma_rng_uniform_open(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose, uint32_t counter);

/* Two independent standard normal deviates (Box-Muller on one block). */
void stroma_rng_normal2(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose, uint32_t counter,
                        double out[2]);

#endif
