//! The standard normal distribution: upper tail probability and its inverse.

use std::f64::consts::{PI, SQRT_2};

/// `P(Z > z)` for a standard normal `Z`; accurate far into the tail because
/// it goes through `erfc`, not `1 - erf`.
pub(super) fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / SQRT_2)
}

/// The `z` with `P(Z > z) = p`: `+inf` for `p <= 0`, `-inf` for `p >= 1`,
/// NaN for NaN.
///
/// Starts from Abramowitz & Stegun 26.2.23 (absolute error below 4.5e-4) and
/// polishes with Halley steps on [`upper_tail`], which reach full double
/// precision in two or three steps.
pub(super) fn upper_quantile(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::INFINITY;
    }
    if p >= 1.0 {
        return f64::NEG_INFINITY;
    }
    if p > 0.5 {
        return -upper_quantile(1.0 - p);
    }
    let t = (-2.0 * p.ln()).sqrt();
    let numerator = 2.515517 + t * (0.802853 + t * 0.010328);
    let denominator = 1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308));
    let mut z = t - numerator / denominator;
    for _ in 0..8 {
        let density = (-0.5 * z * z).exp() / (2.0 * PI).sqrt();
        if density <= 0.0 || !density.is_finite() {
            break;
        }
        // g(z) = upper_tail(z) - p, g' = -density, g'' = z * density.
        let newton = (upper_tail(z) - p) / density;
        let step = newton / (1.0 - 0.5 * z * newton);
        if !step.is_finite() {
            break;
        }
        z += step;
        if step.abs() <= 1e-15 * z.abs().max(1.0) {
            break;
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_scipy() {
        // scipy 1.17.1: norm.isf(p) for each p.
        let cases = [
            (0.5, 0.0),
            (0.01, 2.3263478740408408),
            (0.025, 1.9599639845400545),
            (0.005, 2.575829303548901),
            (1e-10, 6.361340902404056),
            (1e-300, 37.0470962993612),
            (0.9, -1.2815515655446004),
        ];
        for (p, want) in cases {
            let got = upper_quantile(p);
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "p={p}: {got} vs {want}"
            );
        }
        assert_eq!(upper_quantile(0.0), f64::INFINITY);
        assert_eq!(upper_quantile(1.0), f64::NEG_INFINITY);
        assert!(upper_quantile(f64::NAN).is_nan());
    }

    #[test]
    fn tail_matches_scipy() {
        // scipy 1.17.1: norm.sf(z).
        let cases = [
            (0.0, 0.5),
            (1.0, 0.15865525393145707),
            (8.0, 6.22096057427174e-16),
        ];
        for (z, want) in cases {
            let got = upper_tail(z);
            assert!((got - want).abs() <= 1e-13 * want, "z={z}: {got} vs {want}");
        }
    }
}
