/* Clinical indices (cachexia, premetastatic niche) from plasma values: see indices.h for the formula. */
#include "readout/indices.h"

#include <math.h>

double stroma_index_value(const stroma_model *m, const stroma_index_desc *d, const double *plasma) {
    if (!d->present || d->nterms == 0) return NAN;
    double num = 0, den = 0;
    for (int i = 0; i < d->nterms; i++) { /* in file order */
        const stroma_index_term *t = &d->terms[i];
        const stroma_systemic_desc *sd = &m->body.systemic[t->systemic];
        double f = 1;
        if (t->cargo >= 0) f = m->vesicles.classes[stroma_vesicle_class_of(m, sd->substrate)].cargo[t->cargo];
        double x = (plasma[t->systemic] - sd->baseline) * f;
        double h = 0;
        if (x > 0) {
            double xn = pow(x / t->half_max, t->hill);
            h = isinf(xn) ? 1.0 : xn / (1 + xn);
        }
        num += t->weight * h;
        den += t->weight;
    }
    return num / den;
}
