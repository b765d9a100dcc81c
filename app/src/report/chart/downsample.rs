/// Thins points sorted by x to at most two per pixel column: the lowest and
/// the highest, in their original order, so spikes and crashes survive.
/// Returns the points unchanged when there are no more than `2 × columns`.
pub fn downsample_min_max(points: &[(f64, f64)], columns: usize) -> Vec<(f64, f64)> {
    let columns = columns.max(1);
    if points.len() <= 2 * columns {
        return points.to_vec();
    }
    let first = points[0].0;
    let span = points[points.len() - 1].0 - first;
    let column_of = |x: f64| {
        if span > 0.0 {
            (((x - first) / span * columns as f64) as usize).min(columns - 1)
        } else {
            0
        }
    };
    let mut kept = Vec::with_capacity(2 * columns);
    let mut start = 0;
    while start < points.len() {
        let column = column_of(points[start].0);
        let mut end = start + 1;
        while end < points.len() && column_of(points[end].0) == column {
            end += 1;
        }
        kept.extend(lowest_and_highest(&points[start..end]));
        start = end;
    }
    kept
}

pub(super) fn lowest_and_highest(run: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut low = 0;
    let mut high = 0;
    for (index, point) in run.iter().enumerate() {
        if point.1 < run[low].1 {
            low = index;
        }
        if point.1 > run[high].1 {
            high = index;
        }
    }
    match low.cmp(&high) {
        std::cmp::Ordering::Equal => vec![run[low]],
        std::cmp::Ordering::Less => vec![run[low], run[high]],
        std::cmp::Ordering::Greater => vec![run[high], run[low]],
    }
}
