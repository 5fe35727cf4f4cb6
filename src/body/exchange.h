/* Where factors leave the tumour for plasma (and oxygen and drugs come back): exchange across the vessel walls
 * and lymphatic drainage, per voxel and per substrate, once per diffusion step before the diffusion solve.
 *
 * Design notes
 * - Exchange in a voxel with wall surface S per volume (vessels.h) for a substrate of permeability P, blood
 *   value b (the blood pO2 for oxygen, the plasma value / conversion for a systemic substrate) is
 *   dc/dt = P S (b - c), taken implicitly over dt: c <- (c + dt P S b) / (1 + dt P S): stable for any
 *   permeability, never overshooting b. Drainage is dc/dt = -L c, implicit likewise, in every voxel.
 * - With a solver that takes reactions inside its operator (adi) the walls' exchange is handed to the solve as
 *   rates instead (stroma_exchange_rates) and booked after it (stroma_exchange_settle); drainage stays a step.
 * - Fixed (Dirichlet) voxels keep their value for that substrate and exchange nothing.
 * - What leaves the tissue is summed per systemic substrate over fixed chunks of voxels in parallel, then the
 *   chunks in order: the sums, and so plasma, are bit-identical at any thread count. */
#ifndef STROMA_BODY_EXCHANGE_H
#define STROMA_BODY_EXCHANGE_H

#include "body/plasma.h"
#include "body/vessels.h"
#include "transport/transport.h"

typedef struct stroma_exchange {
    int nsub, nsys;
    int *exch;            /* [nexch] substrates that cross the wall (permeability > 0) */
    int nexch;
    int *drain;           /* [ndrain] systemic substrates with drainage > 0 */
    int ndrain;
    double *partial;      /* [nchunks x nsys] per-chunk amounts sent to blood; grown as needed */
    size_t partial_cap;
    double *sent;         /* [nsys] scratch: the systemic substrates' domain sums */
    int *sys_sub;         /* [nsys] substrate of each systemic entry */
    /* per vessel-list entry e and exchanging substrate a: dt k / (1 + dt k), k = P S, so that a step is
     * c <- c + coef (b - c); recomputed when the vessels (gen) or dt change */
    double *coef;
    size_t coef_cap;
    uint64_t coef_gen;
    double coef_dt;
    /* per drained systemic substrate: 1 / (1 + dt L) at coef_dt */
    double *drain_keep;
    /* a solver with reactions inside its operator (adi): per vessel-list entry, per substrate, the wall's rate
     * k = P S (0: fixed voxel or no exchange) and source k b, for stroma_exchange_rates / _settle */
    double *rx_rate, *rx_source;
    size_t rx_cap;
    uint64_t rx_gen;
    /* the blood values rx_source was filled with (per substrate) and the rx_gen it was filled at (0: never) */
    double *rx_blood;
    uint64_t rx_src_gen;
    /* [nsub] blood value of each drug's substrate (substrate unit; NaN: not a drug), borrowed from therapy/ and
     * refreshed by it every step; NULL: no drugs. A drug's value takes the place of the plasma one. */
    const double *drug_blood;
} stroma_exchange;

stroma_code stroma_exchange_init(stroma_exchange *x, const stroma_model *m, stroma_error *err);
void stroma_exchange_free(stroma_exchange *x);

/* One step of dt on t: exchange in the voxels of v (NULL: none) and drainage (p NULL: none); adds what left the
 * tissue per systemic substrate to p->pending and the ledgers. Returns 0, or -1 if scratch could not grow. */
int stroma_exchange_step(stroma_exchange *x, const stroma_model *m, const stroma_vessels *v, stroma_plasma *p,
                         stroma_transport *t, double dt_min);

/* For a solver that takes reactions inside its operator (stroma_transport_reacts: adi): the vessel walls'
 * exchange as a linear reaction list over v's voxels (rate P S, source P S b per exchanging substrate; none in
 * fixed voxels), instead of the implicit update of stroma_exchange_step, which is then called with v = NULL
 * (drainage only). *out borrows x's arrays until the next call. Returns 0, or -1 when out of memory. */
int stroma_exchange_rates(stroma_exchange *x, const stroma_model *m, const stroma_vessels *v, const stroma_plasma *p,
                          const stroma_transport *t, stroma_reaction *out);

/* After that solve: what left the tissue through the walls over the step, dt P S (c' - b) x voxel volume summed
 * per systemic substrate in list order (c' the solved field: the solver's mass balance is exactly that), into
 * p->pending and the ledgers (p NULL: nothing). */
void stroma_exchange_settle(const stroma_exchange *x, const stroma_vessels *v, stroma_plasma *p,
                            const stroma_transport *t, double dt_min);

/* Domain totals (value x voxel volume) of every systemic substrate into p's ledgers after a diffusion step, and
 * what that step's decay removed (stroma_transport_sums, stroma_transport_account_decay: thread-independent). */
int stroma_exchange_account(stroma_exchange *x, stroma_plasma *p, const stroma_transport *t, int first);

#endif
