#include "capi.h"
#include "../kernels/montecarlo.c"

int jgil_k_montecarlo_pi(int64_t samples, int64_t seed, int64_t *hits, const volatile int32_t *stop)
{
    if (samples < 0 || hits == NULL)
        return JGIL_K_BADARG;
    struct mc_state st;
    uint64_t sm = (uint64_t)seed;
    for (int l = 0; l < LANES; l++)
        for (int w = 0; w < 4; w++)
            st.s[w][l] = splitmix64(&sm);
    st.left = samples;
    st.hits = 0;
    int rc = capi_run(mc_step, &st, NULL, 1 << 20, stop);
    *hits = st.hits;
    return rc;
}
