/// Which page links a list shows: the first and last pages, two either side of
/// the current one, and a gap (nil) where pages are left out. A 500-page list
/// links to at most nine pages instead of 500.
enum Pagination {
    static func window(current: Int, total: Int, radius: Int = 2) -> [Int?] {
        var shown = Set([1, total])
        for page in max(1, current - radius)...min(total, current + radius) { shown.insert(page) }
        var result: [Int?] = []
        var previous = 0
        for page in shown.sorted() {
            if page - previous == 2 {
                result.append(page - 1) // a gap of one page: show the page itself
            } else if page - previous > 2 {
                result.append(nil)
            }
            result.append(page)
            previous = page
        }
        return result
    }
}
