/* Transport of diffusible substrates on a Cartesian voxel mesh.
 *
 * Design notes
 * - Field layout: one contiguous array of doubles, voxel-major and substrate-minor:
 *     value(i, j, k, s) = c[((k * ny + j) * nx + i) * nsub + s],
 *   voxel centres at lo + (i + 1/2) dx. All substrates of a voxel sit together, so a line sweep handles every
 *   substrate at once and the cell engine touches one cache line per cell.
 * - One diffusion step of dt solves, per substrate, dc/dt = D lap(c) - lambda c by locally one-dimensional
 *   (LOD) splitting: three implicit 1D solves (x, then y, then z), each with decay lambda/dim, each a
 *   tridiagonal system solved with the Thomas algorithm using coefficients precomputed at create time.
 *   Unconditionally stable; first order in time, second order in space.
 * - Boundaries: per substrate and face, no-flux (zero-gradient) or Dirichlet at the face itself (ghost-voxel
 *   closure c_ghost = 2 c_face - c_1, second order); with the model's boundary_convention voxel (PhysiCell's),
 *   the face's outermost voxels hold the value instead, as fixed voxels; with biofvm (BioFVM's LOD scheme, lod
 *   solver only) the LOD solver sets those voxels to the value before the first axis sweep and after each sweep,
 *   and solves each sweep with them free (no-flux ends). Dirichlet voxels inside the domain hold
 *   a fixed value exactly (their row of the system is the identity).
 * - Solvers sit behind stroma_solver_ops so another scheme (explicit, GPU) can be dropped in.
 * - Sources and sinks (cells): the implicit point update documented on stroma_transport_apply_source; the
 *   cell engine calls it per cell, in id order, so the result does not depend on threads.
 * - Threads: lines (or planes of lines) are split across OpenMP threads; each line's arithmetic is the same
 *   whatever the split, so fields are bit-identical at any thread count. */
#ifndef STROMA_TRANSPORT_TRANSPORT_H
#define STROMA_TRANSPORT_TRANSPORT_H

#include <stddef.h>

#include "model/model.h"
#include "stroma/error.h"

typedef struct stroma_mesh {
    int nx, ny, nz;          /* voxels per axis, each >= 1 */
    double lo_um[3];         /* lower corner of the domain */
    double dx_um;            /* voxel edge (cubic voxels) */
    int dim;                 /* axes with more than one voxel: 1, 2 or 3 */
    size_t nvox;             /* nx * ny * nz */
    double voxel_volume_um3; /* dx^3 (a 2D/1D run is a slab one voxel thick) */
} stroma_mesh;

/* Fill a mesh from a validated model. */
void stroma_mesh_init(stroma_mesh *mesh, const stroma_model *model);

/* Linear index of voxel (i, j, k). */
static inline size_t stroma_mesh_index(const stroma_mesh *m, int i, int j, int k) {
    return ((size_t)k * (size_t)m->ny + (size_t)j) * (size_t)m->nx + (size_t)i;
}

/* Voxel containing point p (clamped to the domain). */
size_t stroma_mesh_voxel_of(const stroma_mesh *m, const double p_um[3]);

typedef struct stroma_transport stroma_transport;

/* Work on the field that precedes a diffusion step (the cells' secretion and uptake), handed to the solver so
 * that it runs inside the step's own parallel region instead of one of its own: the solver calls
 * apply(ctx, t, v0, v1) on voxel ranges [v0, v1) that together cover the mesh exactly once, each range by the
 * thread that then solves those voxels first, possibly several ranges at once. apply may read and write only
 * voxels [v0, v1) of t->c (every substrate), and its result must not depend on how the mesh is split. */
typedef struct stroma_prestep {
    void (*apply)(void *ctx, stroma_transport *t, size_t v0, size_t v1);
    void *ctx;
    /* Optional (NULL: none; lod only): called with the same ctx once the step's last sweep (z) has finished the
     * y-slab j (voxels (i, j, k) for every i and k), by the thread that solved it, while the slab is in its cache;
     * it may read and write only that slab of t->c. Not called when z is not solved (nz = 1). */
    void (*after_slab)(void *ctx, stroma_transport *t, int j);
    /* Optional (NULL: none; lod only): the in-place stages of a Douglas scheme (adi). When set, apply is not
     * called: lod keeps a copy of each z-plane as it was at the step's start and calls stage(ctx, t, what, k, j0,
     * j1, o) on x-rows [j0, j1) of plane k, by the thread that solves them, with o[0], o[1], o[2] the planes
     * k - 1, k, k + 1 as they were at the step's start (NULL outside the domain), each pointing at its plane's
     * first value (o[1] holds every row of plane k, o[0] and o[2] at least rows [j0, j1)):
     *   STROMA_STAGE_RHS      before the x sweep reads the rows (stage writes their right-hand side into t->c);
     *   STROMA_STAGE_BEFORE_Y after the x sweep, before the y sweep reads the rows;
     *   STROMA_STAGE_AFTER_Y  once the y sweep has finished the rows (before the z sweep).
     * It may write only rows [j0, j1) of plane k of t->c. */
    void (*stage)(void *ctx, stroma_transport *t, int what, int k, int j0, int j1, const double *const o[3]);
} stroma_prestep;

enum { STROMA_STAGE_RHS, STROMA_STAGE_BEFORE_Y, STROMA_STAGE_AFTER_Y };

/* Linear reactions over one step, for solvers that take them inside their implicit operator (adi; the explicit
 * solver adds them to its forward-Euler step): in voxel voxel[e], substrate s,
 *   dc/dt += source[e nsub + s] - rate[e nsub + s] c
 * with rate >= 0 (1/min) and source in value/min. voxel is non-decreasing (a voxel may appear more than once: its
 * terms add, in list order); several lists may be handed at once (at most STROMA_REACTION_LISTS_MAX; their terms
 * add in list order, so results do not depend on threads). Terms on a fixed (Dirichlet) voxel are ignored.
 * Borrowed for the duration of the step. */
typedef struct stroma_reaction {
    size_t n;             /* entries */
    const size_t *voxel;  /* [n] linear voxel index, non-decreasing */
    const double *rate;   /* [n * nsub] k >= 0, 1/min */
    const double *source; /* [n * nsub] s, value/min */
} stroma_reaction;

#define STROMA_REACTION_LISTS_MAX 4

/* A diffusion solver. `prepare` (re)computes coefficients after dt, substrates or fixed voxels change (it may
 * be called again on a prepared state; on failure it leaves the previous solver_data in place and fills *err);
 * `step` applies `pre` (NULL: nothing) and advances the field by dt in place; `destroy` frees the solver's
 * private data (solver_data); `kept` is the fraction of substrate s's domain total that one step leaves after
 * decay when nothing crosses the boundary (no Dirichlet faces or voxels): the total after a step is exactly
 * kept x the total before it (after `pre`), so the decayed amount can be accounted without another pass. */
typedef struct stroma_solver_ops {
    const char *name;
    int (*prepare)(stroma_transport *t, stroma_error *err);
    void (*step)(stroma_transport *t, const stroma_prestep *pre);
    void (*destroy)(stroma_transport *t);
    double (*kept)(const stroma_transport *t, int s);
    /* One step with linear reactions inside the solve (stroma_reaction); NULL: the solver has none (lod).
     * Returns 0, or -1 when scratch for the lists could not grow (the field is then unchanged). */
    int (*step_react)(stroma_transport *t, const stroma_reaction *rx, int nrx);
} stroma_solver_ops;

/* Look up a solver by name ("lod" is the default; NULL means "lod"; "explicit" is a forward-Euler 7-point
 * reference solver, refused at create if dt exceeds its stability limit; "adi" is the Douglas ADI scheme,
 * theta = 1, whose steady state is the discrete operator's at any dt, with reactions inside the implicit
 * operator; "adi-cn" the same with theta = 1/2, second order in time). Returns NULL if unknown. */
const stroma_solver_ops *stroma_solver_find(const char *name);

typedef struct stroma_fixed_voxel {
    size_t voxel;   /* linear voxel index */
    int substrate;
    double value;
} stroma_fixed_voxel;

struct stroma_transport {
    stroma_mesh mesh;
    int nsub;
    double dt_min;
    double *c;                           /* field, nvox * nsub, layout above; owned */
    double *diffusion_um2_per_min;       /* [nsub], owned copy */
    double *decay_per_min;               /* [nsub], owned copy */
    unsigned char *face_dirichlet;       /* [nsub * 6], 1 = Dirichlet */
    double *face_value;                  /* [nsub * 6] */
    unsigned char *face_held;            /* [nsub * 6], 1 = boundary_convention voxel: every outermost voxel of
                                            that face is in t->fixed (the face itself is then no-flux), which lets
                                            the LOD solver treat those voxels in its fast sweeps */
    unsigned char *face_reset;           /* [nsub * 6], 1 = boundary_convention biofvm: every outermost voxel of that
                                            face is in t->reset (unless in t->fixed); the face itself is no-flux */
    stroma_fixed_voxel *reset;           /* boundary_convention biofvm: the voxels the LOD solver sets to their value
                                            before the first axis sweep of a step and after every sweep (free
                                            unknowns within a sweep), sorted by (voxel, substrate); owned */
    size_t nreset;
    stroma_fixed_voxel *fixed;           /* Dirichlet voxels inside, sorted by (voxel, substrate); owned */
    size_t nfixed;
    const stroma_solver_ops *ops;
    void *solver_data;                   /* owned by ops */
    size_t solver_bytes;                 /* bytes held through solver_data; set by ops->prepare */
    /* ECM hindrance (stroma_transport_set_hindrance): NULL / 0 when diffusion is constant in space. */
    double *ecm;                         /* [nvox] copy of the ECM density, mg/mL; owned; NULL: none */
    double *ecm_sensitivity;             /* [nsub] sigma_s, 1/(mg/mL); owned; NULL with ecm */
    int hindered;                        /* ecm != NULL and some sigma_s > 0 */
};

/* Create transport state for a validated model: allocates the field, sets initial values, maps the model's
 * fixed voxels (and under boundary_convention voxel the outermost voxels of Dirichlet faces; under biofvm those
 * voxels go to t->reset), and prepares the named solver (NULL = "lod"). Returns NULL with *err on failure (unknown
 * solver, or boundary_convention biofvm with a solver other than lod: STROMA_ERR_ARGUMENT, the latter with the
 * model's file:line:col of the key;
 * allocation: STROMA_ERR_NOMEM). The model is borrowed only during the call. */
stroma_transport *stroma_transport_create(const stroma_model *model, const char *solver, stroma_error *err);

/* Free and clear the handle; accepts NULL. */
void stroma_transport_destroy(stroma_transport **t);

/* Hold voxel `voxel` of substrate s at `value` from now on (adds or updates; re-prepares the solver).
 * Sets the field value immediately. Returns STROMA_OK or an error code. */
stroma_code stroma_transport_fix_voxel(stroma_transport *t, size_t voxel, int s, double value, stroma_error *err);

/* Whether voxel `voxel` of substrate s is held fixed (binary search of t->fixed, O(log nfixed)); if so and
 * value is non-NULL, sets *value to the held value. */
int stroma_transport_fixed_find(const stroma_transport *t, size_t voxel, int s, double *value);

/* Index in t->fixed of the first fixed voxel entry at or after `voxel` (t->nfixed if none): the entries of
 * one voxel follow each other there, by substrate (O(log nfixed)). */
size_t stroma_transport_fixed_first(const stroma_transport *t, size_t voxel);

/* Space-varying diffusion: the extracellular matrix slows diffusion. Voxel v's coefficient for substrate s
 * becomes D_s(v) = D_s / (1 + sigma_s E_v), with E_v the ECM density (mg/mL, finite, >= 0) and sigma_s the
 * substrate's sensitivity (1/(mg/mL), finite, >= 0). Between two voxels a and b the solvers use the conservative
 * face coefficient, the harmonic mean D_face = 2 D_a D_b / (D_a + D_b), computed as D_s / (1 + sigma_s (E_a +
 * E_b) / 2) (the same number; 0 when D_s = 0), so with no-flux faces the diffusion part conserves mass exactly
 * and stroma_transport_decay_kept is unchanged. At a Dirichlet face the boundary voxel's own D_s(v) is used.
 * ecm: [nvox] values in voxel order (borrowed during the call: it is copied); sensitivity: [nsub] (borrowed).
 * Call it after create and again whenever E changes (e.g. every few minutes of simulated time): it copies E and
 * re-prepares the solver: O(nvox x nsub) work. For lod it computes the face factors (3 per voxel per distinct
 * sigma > 0, 24 bytes per voxel each) and the Thomas pivots of every value and axis (24 bytes per voxel-substrate,
 * 1.5 GiB at 200^3 x 8; the price of sweeps without divisions), plus the 8-byte-per-voxel copy of E: about 90 ms
 * at 100^3 x 8 substrates and 2.4 s at 200^3 x 8 on 2 threads (4 and 11 hindered steps; docs/transport.md).
 * stroma_transport_fix_voxel re-prepares too, so it pays the same while hindrance is set. The explicit solver
 * only copies E. ecm = NULL, or every sigma_s = 0, returns to the constant-coefficient path and frees the copies:
 * fields are then bit-identical to a transport that never had hindrance set. Substrates with sigma_s = 0 keep
 * their constant coefficients (their values are bit-identical to the constant path's even while others are
 * hindered, except along lines that cross faces held by boundary_convention voxel: those take the general path
 * while hindrance is set, the same values to rounding). Errors: STROMA_ERR_ARGUMENT (negative or non-finite E
 * or sigma; sensitivity NULL with ecm non-NULL), STROMA_ERR_NOMEM; on error the previous hindrance stays in
 * effect. */
stroma_code stroma_transport_set_hindrance(stroma_transport *t, const double *ecm, const double *sensitivity,
                                           stroma_error *err);

/* One diffusion-decay step of dt (sources are applied separately, before it). */
void stroma_transport_step(stroma_transport *t);

/* The same, with `pre` applied to every voxel first (see stroma_prestep; NULL = stroma_transport_step). The
 * field afterwards is the same as applying pre to the whole mesh and then stepping. */
void stroma_transport_step_with(stroma_transport *t, const stroma_prestep *pre);

/* One step with linear reactions (stroma_reaction; nrx lists, at most STROMA_REACTION_LISTS_MAX) inside the
 * solve when the solver takes them (stroma_transport_reacts); with lod, each list entry is first applied as the
 * implicit point update c <- (c + dt s) / (1 + dt k) (first order; its fixed point depends on dt), then the
 * step. Returns 0, or -1 when the solver's scratch for the lists could not grow (out of memory; the field is
 * then unchanged). */
int stroma_transport_step_react(stroma_transport *t, const stroma_reaction *rx, int nrx);

/* Whether the solver takes reactions inside its operator (adi, adi-cn, explicit). */
int stroma_transport_reacts(const stroma_transport *t);

/* Implicit point source/sink in the voxel `voxel`, for all substrates at once, over one step dt:
 *   c_s <- (c_s + dt (V/Vvox) S_s T_s) / (1 + dt (V/Vvox) (S_s + U_s)) + dt E_s / Vvox
 * with V = volume_um3, S = secretion rate (1/min), T = saturation (substrate unit), U = uptake rate (1/min),
 * E = net export (substrate unit x um^3 / min). Any of the arrays may be NULL (all zero). Never makes the
 * field negative through uptake; export may be negative (net import) and is clamped at zero.
 * A fixed (Dirichlet) voxel of substrate s keeps its value: that substrate is left unchanged there. A voxel of
 * t->reset (boundary_convention biofvm) is not fixed: a source changes it, and the step's first reset undoes that.
 * Returns the amount added to the voxel per substrate in `delta_amount` (value x um^3) if non-NULL. */
void stroma_transport_apply_source(stroma_transport *t, size_t voxel, double volume_um3,
                                   const double *secretion_per_min, const double *saturation,
                                   const double *uptake_per_min, const double *export_per_min,
                                   double *delta_amount);

/* Value of substrate s at point p (the containing voxel's value), and its gradient by central differences
 * (one-sided at faces, zero along axes of one voxel), units value/um. */
double stroma_transport_value_at(const stroma_transport *t, const double p_um[3], int s);
void stroma_transport_gradient_at(const stroma_transport *t, const double p_um[3], int s, double grad[3]);

/* Statistics of substrate s in fixed summation order (deterministic at any thread count). */
void stroma_transport_stats(const stroma_transport *t, int s, double *mean, double *min, double *max,
                            double *total);

/* Sums over the domain of the values of substrates subs[0..n) into out[n] (values, not x voxel volume), in an
 * order that does not depend on the threads: chunks of 1,024 voxels summed in parallel, then the chunks in order.
 * *scratch (*cap doubles) is the caller's buffer, grown here. Returns 0, or -1 when out of memory. */
int stroma_transport_sums(const stroma_transport *t, const int *subs, int n, double *out, double **scratch,
                          size_t *cap);

/* A mass ledger's decay term for substrate s, from the domain total after a step (value x volume, any unit):
 * first = 1 starts it (*total0 = total; *decayed = 0, or NaN when the substrate is open: stroma_transport_open);
 * afterwards adds what that step's decay removed, total x (1 / kept - 1) (stroma_transport_decay_kept), unless
 * the substrate is open. */
void stroma_transport_account_decay(const stroma_transport *t, int s, double total, int first, double *total0,
                                    double *decayed);

/* Fraction of substrate s's total kept by one step's decay (stroma_solver_ops.kept), in (0, 1]. */
double stroma_transport_decay_kept(const stroma_transport *t, int s);

/* Whether mass of substrate s can cross the domain's boundary or be held: a Dirichlet face or voxel. */
int stroma_transport_open(const stroma_transport *t, int s);

/* Bytes allocated by the transport state (field + coefficients + scratch), for benchmarks and estimates. */
size_t stroma_transport_bytes(const stroma_transport *t);

#endif
