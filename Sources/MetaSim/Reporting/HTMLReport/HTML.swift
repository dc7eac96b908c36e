import Foundation

/// Small helpers for writing HTML by hand: escaping and tables.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, safe inside elements and quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A table with a header row; every cell is escaped.
    static func table(header: [String], rows: [[String]], className: String = "") -> String {
        var out = "<table\(className.isEmpty ? "" : " class=\"\(className)\"")><thead><tr>"
        out += header.map { "<th>\(escape($0))</th>" }.joined()
        out += "</tr></thead><tbody>"
        for row in rows { out += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
        return out + "</tbody></table>"
    }

    /// An `<img>` showing PNG bytes inline as a `data:` URI (no file or network access).
    static func inlinePNG(_ data: Data, alt: String) -> String {
        "<img alt=\"\(escape(alt))\" src=\"data:image/png;base64,\(data.base64EncodedString())\">"
    }
}
