/// Inline SVG charts: no script, no external files, a text alternative in
/// `<title>`/`<desc>`, and class names the theme styles (presentation
/// attributes stay as a fallback for a theme that does not).
enum Charts {
    struct Bar {
        let label: String
        /// 0…1, or nil for no value (drawn as an empty row).
        let value: Double?
        let valueText: String
        /// Draw in the alternate (warning) colour.
        let highlighted: Bool
    }

    struct Series {
        let name: String
        let values: [Int]
        /// `chart-bar` or `chart-bar-alt`.
        let className: String
        let fill: String
    }

    /// Horizontal bars of ratios (rectification rate by region) with a vertical marker line (the bar).
    static func ratioBars(id: String, title: String, description: String, bars: [Bar], marker: Double?, markerLabel: String) -> String {
        let labelWidth = 120.0, plotWidth = 420.0, valueWidth = 70.0, rowHeight = 28.0, top = 10.0, bottom = 30.0
        let width = labelWidth + plotWidth + valueWidth
        let height = top + rowHeight * Double(bars.count) + bottom
        var svg = open(id: id, title: title, description: description, width: width, height: height)
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += "<text class=\"chart-label\" x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 18))\" text-anchor=\"end\" font-size=\"13\" fill=\"#333\">\(XML.escape(bar.label))</text>"
            if let value = bar.value {
                let length = max(0, min(1, value)) * plotWidth
                let className = bar.highlighted ? "chart-bar-alt" : "chart-bar"
                let fill = bar.highlighted ? "#b45309" : "#b4151d"
                svg += "<rect class=\"\(className)\" x=\"\(f(labelWidth))\" y=\"\(f(y + 5))\" width=\"\(f(length))\" height=\"\(f(rowHeight - 10))\" fill=\"\(fill)\"/>"
            }
            svg += "<text class=\"chart-value\" x=\"\(f(labelWidth + plotWidth + 6))\" y=\"\(f(y + 18))\" font-size=\"13\" fill=\"#333\">\(XML.escape(bar.valueText))</text>"
        }
        let axisY = top + rowHeight * Double(bars.count)
        svg += "<line class=\"chart-axis\" x1=\"\(f(labelWidth))\" y1=\"\(f(top))\" x2=\"\(f(labelWidth))\" y2=\"\(f(axisY))\" stroke=\"#666\"/>"
        for tick in [0, 25, 50, 75, 100] {
            let x = labelWidth + plotWidth * Double(tick) / 100
            svg += "<text class=\"chart-axis\" x=\"\(f(x))\" y=\"\(f(axisY + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(tick)%</text>"
        }
        if let marker {
            let x = labelWidth + plotWidth * max(0, min(1, marker))
            svg += "<line class=\"chart-line-bar\" x1=\"\(f(x))\" y1=\"\(f(top - 4))\" x2=\"\(f(x))\" y2=\"\(f(axisY + 2))\" stroke=\"#1d4ed8\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
            svg += "<text class=\"chart-legend\" x=\"\(f(x))\" y=\"\(f(axisY + 28))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1d4ed8\">\(XML.escape(markerLabel))</text>"
        }
        return svg + "</svg>"
    }

    /// Grouped columns: one group per category, one column per series.
    static func groupedColumns(id: String, title: String, description: String, categories: [String], series: [Series]) -> String {
        let left = 36.0, right = 10.0, top = 28.0, bottom = 30.0, plotHeight = 180.0
        let groupWidth = max(34.0, 560.0 / Double(max(categories.count, 1)))
        let width = left + groupWidth * Double(categories.count) + right
        let height = top + plotHeight + bottom
        let maximum = max(1, series.flatMap(\.values).max() ?? 1)
        let step = niceStep(maximum)
        let scaleTop = Double(((maximum + step - 1) / step) * step)
        var svg = open(id: id, title: title, description: description, width: width, height: height)
        // Legend
        var legendX = left
        for item in series {
            svg += "<rect class=\"\(item.className)\" x=\"\(f(legendX))\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(item.fill)\"/>"
            svg += "<text class=\"chart-legend\" x=\"\(f(legendX + 16))\" y=\"16\" font-size=\"12\" fill=\"#333\">\(XML.escape(item.name))</text>"
            legendX += 16 + Double(item.name.count) * 13 + 20
        }
        // Grid and axis labels
        var tick = 0
        while Double(tick) <= scaleTop {
            let y = top + plotHeight - plotHeight * Double(tick) / scaleTop
            svg += "<line class=\"chart-grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
            svg += "<text class=\"chart-axis\" x=\"\(f(left - 4))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">\(tick)</text>"
            tick += step
        }
        let columnWidth = (groupWidth - 8) / Double(max(series.count, 1))
        for (column, category) in categories.enumerated() {
            let groupX = left + groupWidth * Double(column) + 4
            for (row, item) in series.enumerated() {
                let value = column < item.values.count ? item.values[column] : 0
                let barHeight = plotHeight * Double(value) / scaleTop
                let x = groupX + columnWidth * Double(row)
                svg += "<rect class=\"\(item.className)\" x=\"\(f(x))\" y=\"\(f(top + plotHeight - barHeight))\" width=\"\(f(columnWidth - 1))\" height=\"\(f(barHeight))\" fill=\"\(item.fill)\"/>"
            }
            svg += "<text class=\"chart-label\" x=\"\(f(groupX + (groupWidth - 8) / 2))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">\(XML.escape(category))</text>"
        }
        svg += "<line class=\"chart-axis\" x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\" stroke=\"#666\"/>"
        return svg + "</svg>"
    }

    private static func open(id: String, title: String, description: String, width: Double, height: Double) -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
            + "<title id=\"\(id)-title\">\(XML.escape(title))</title><desc id=\"\(id)-desc\">\(XML.escape(description))</desc>"
    }

    /// A step of 1, 2 or 5 × 10ⁿ giving at most about five grid lines.
    static func niceStep(_ maximum: Int) -> Int {
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] where maximum <= factor * magnitude * 5 { return factor * magnitude }
            magnitude *= 10
        }
    }

    /// Coordinates with at most one decimal, the same text on every platform.
    static func f(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }
}
