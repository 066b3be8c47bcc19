//! Small dense linear algebra for the fits: the inverse of a symmetric positive-definite matrix
//! (Newton steps, profile derivatives, standard errors). The matrices are a few rows across, so a
//! plain Cholesky factorisation serves.

/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` if it is not one.
/// Scaled by the diagonal first, because rates and decays differ by orders of magnitude.
pub(crate) fn invert_spd(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    let scale: Vec<f64> = (0..n)
        .map(|i| {
            if matrix[i][i] > 0.0 {
                1.0 / matrix[i][i].sqrt()
            } else {
                f64::NAN
            }
        })
        .collect();
    if scale.iter().any(|s| !s.is_finite()) {
        return None;
    }
    let scaled: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| matrix[i][j] * scale[i] * scale[j]).collect())
        .collect();
    let mut lower = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| lower[i][k] * lower[j][k]).sum();
            if i == j {
                let d = scaled[i][i] - sum;
                if d <= 1e-14 {
                    return None;
                }
                lower[i][i] = d.sqrt();
            } else {
                lower[i][j] = (scaled[i][j] - sum) / lower[j][j];
            }
        }
    }
    // Solve L L^T X = I column by column.
    let mut inverse = vec![vec![0.0; n]; n];
    for col in 0..n {
        let mut y = vec![0.0; n];
        for i in 0..n {
            let rhs = if i == col { 1.0 } else { 0.0 };
            let sum: f64 = (0..i).map(|k| lower[i][k] * y[k]).sum();
            y[i] = (rhs - sum) / lower[i][i];
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let sum: f64 = (i + 1..n).map(|k| lower[k][i] * x[k]).sum();
            x[i] = (y[i] - sum) / lower[i][i];
        }
        for i in 0..n {
            inverse[i][col] = x[i] * scale[i] * scale[col];
        }
    }
    Some(inverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_inverse_of_a_known_matrix() {
        let m = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let inv = invert_spd(&m).unwrap();
        // inverse = [[3, -2], [-2, 4]] / 8
        assert!((inv[0][0] - 0.375).abs() < 1e-12);
        assert!((inv[0][1] + 0.25).abs() < 1e-12);
        assert!((inv[1][1] - 0.5).abs() < 1e-12);
        assert!(invert_spd(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }
}
