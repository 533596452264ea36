import CSV
import Foundation

/// `tongbao export`: a ledger of the loaded model written back out as CSV for
/// the office's spreadsheets, under the Chinese labels `CSVLedger` reads
/// (the first of each field's), one row per record in the order loaded.
/// References are written as ids, lists as items joined by `、`, yes/no as
/// `是`/`否`: read back, the file gives the same records.
public enum LedgerCSV {
    public enum Encoding: String, Sendable, CaseIterable {
        /// UTF-8 with a byte-order mark, which Excel needs to take the file as UTF-8.
        case utf8
        /// GB18030, as Chinese Excel saves “CSV (逗号分隔)”.
        case gb18030
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The kinds that can be exported (`LedgerLoader.kinds`).
    public static var kinds: [String] { LedgerLoader.kinds }

    /// The CSV bytes of `kind` as the content folder holds it, once the whole folder loads without
    /// an error (a ledger with errors would be written without its broken rows); else nil and the diagnostics.
    public static func export(_ kind: String, content: URL, contentDisplay: String, today: Day,
                              encoding: Encoding = .utf8) -> (data: Data?, diagnostics: Diagnostics) {
        let loaded = SiteLoader.load(content: content, displayRoot: contentDisplay, asOf: nil, today: today, documents: nil)
        guard let model = loaded.model, !loaded.diagnostics.hasErrors else { return (nil, loaded.diagnostics) }
        do {
            return (try export(kind, of: model, encoding: encoding), loaded.diagnostics)
        } catch {
            var diagnostics = loaded.diagnostics
            diagnostics.error(SourceLocation(file: "\(contentDisplay)/data/\(kind)", line: 1, column: 1), error.description)
            return (nil, diagnostics)
        }
    }

    /// The CSV bytes of `kind` of `model`.
    public static func export(_ kind: String, of model: SiteModel, encoding: Encoding = .utf8) throws(Failure) -> Data {
        guard let fields = CSVLedger.labels[kind] else {
            throw Failure(description: "没有“\(kind)”这类台账；可导出：\(kinds.joined(separator: "、"))")
        }
        var rows: [[String]] = [fields.map { $0.labels[0] }]
        rows += records(kind, of: model)
        let text: String
        do {
            let stream = OutputStream(toMemory: ())
            let writer = try CSVWriter(stream: stream, newline: .crlf)
            for row in rows { try writer.write(row: row) }
            writer.stream.close()
            guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { throw CSVError.cannotWriteStream }
            text = String(decoding: data, as: UTF8.self) + "\r\n"
        } catch {
            throw Failure(description: "无法写出 CSV：\(error)")
        }
        switch encoding {
        case .utf8:
            return Data([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        case .gb18030:
            guard let bytes = TextEncoding.toGB18030(text) else {
                throw Failure(description: "有的文字无法用 GB18030 编码写出：请改用 --encoding utf8")
            }
            return Data(bytes)
        }
    }

    /// The cells of every record of `kind`, in the order of `CSVLedger.labels`.
    static func records(_ kind: String, of model: SiteModel) -> [[String]] {
        func flag(_ value: Bool) -> String { value ? "是" : "否" }
        func day(_ value: Day?) -> String { value?.iso ?? "" }
        switch kind {
        case "regions":
            return model.regions.map { [$0.id, $0.name, $0.kind] }
        case "departments":
            return model.departments.map { [$0.id, $0.name] }
        case "sectors":
            return model.sectors.map { [$0.id, $0.name, model.departments[$0.lead].id] }
        case "enterprises":
            return model.enterprises.map {
                [$0.id, $0.name, $0.creditCode ?? "", model.regions[$0.region].id, model.sectors[$0.sector].id]
            }
        case "inspections":
            return model.inspections.map {
                [$0.id, $0.date.iso, model.departments[$0.department].id, $0.method,
                 $0.enterprises.map { model.enterprises[$0].id }.joined(separator: "、")]
            }
        case "hazards":
            return model.hazards.map {
                [$0.id, model.enterprises[$0.enterprise].id, $0.found.iso, $0.description, $0.level.rawValue, $0.deadline.iso,
                 day($0.rectified), flag($0.supervised), $0.inspection.map { model.inspections[$0].id } ?? ""]
            }
        case "penalties":
            return model.penalties.map {
                [$0.id, model.enterprises[$0.enterprise].id, $0.date.iso, $0.decisionNumber, $0.violation, $0.basis,
                 $0.actions.joined(separator: "、"), $0.fine?.description ?? "", flag($0.expose), day($0.exposeUntil)]
            }
        case "accidents":
            return model.accidents.map {
                [$0.id, $0.date.iso, model.regions[$0.region].id, model.sectors[$0.sector].id,
                 $0.enterprise.map { model.enterprises[$0].id } ?? "", $0.summary, String($0.deaths), String($0.seriousInjuries),
                 $0.directLoss.description]
            }
        default:
            return []
        }
    }
}
