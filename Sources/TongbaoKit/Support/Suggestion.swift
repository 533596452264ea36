/// "Did you mean …?" for mistyped ids and field names.
enum Suggestion {
    /// The candidate closest to `word` by edit distance, when it is close
    /// enough to be a plausible typo (at most a third of the word's length, at least 1).
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()))
            if let current = best, distance > current.1 || (distance == current.1 && candidate >= current.0) {
                continue
            }
            best = (candidate, distance)
        }
        guard let (candidate, distance) = best else { return nil }
        let limit = max(1, max(target.count, candidate.count) / 3)
        return distance <= limit ? candidate : nil
    }

    /// `；是否应为“xxx”？` appended to a message when a suggestion exists.
    static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        guard let suggestion = closest(to: word, in: candidates) else { return "" }
        return "（是否应为“\(suggestion)”？）"
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
