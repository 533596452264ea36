import Foundation

/// `tongbao init DIR`: a new site that builds cleanly as it is, for an office
/// to fill in: `content/` with site.yml, one region, department, sector and
/// enterprise, one notice, and a `.gitignore` for the output and caches.
/// Every file says in comments what to change.
public enum NewSite {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The files of a new site, by path relative to its folder.
    static func files(today: Day) -> [(path: String, text: String)] {
        [
            (".gitignore", """
            # tongbao 生成的网站和缓存：每次构建都会重新生成，不必保存
            /site/
            /.site.*

            """),
            ("content/site.yml", """
            # 站点设置：把下面几项改成本单位的名称和网址
            title: 示例县安全生产委员会办公室        # 网站名称
            issuer: 示例县安全生产委员会办公室       # 发文机关，用在公文的版头和落款
            doc_prefix: 安委办                      # 发文字号的前缀：安委办〔\(today.year)〕1号
            base_url: https://anwei.example.gov.cn/  # 网站的正式网址，用于订阅源和站点地图；可以带子路径
            # as_of: \(today.iso)                  # 统计截止日期：可选，不写则为构建当天
            # rectification_bar: 0.90              # 整改率要求：可选，低于它的属地在通报中被批评

            """),
            ("content/data/regions.yml", """
            # 属地：本县（市）所辖乡镇、街道和开发区。id 只用小写英文字母、数字和连字符
            # kind 为 乡、镇、街道、开发区、旗、区 或 其他

            - id: chengguan
              name: 城关镇
              kind: 镇

            """),
            ("content/data/departments.yml", """
            # 部门：安全生产委员会的成员单位

            - id: yingji
              name: 县应急管理局

            """),
            ("content/data/sectors.yml", """
            # 行业领域及其牵头部门（lead 写部门的 id）

            - id: weihua
              name: 危险化学品
              lead: yingji

            """),
            ("content/data/enterprises.yml", """
            # 生产经营单位：每家单位归属一个属地（region）和一个行业领域（sector）
            # credit_code 为统一社会信用代码，可选，填写时会校验

            - id: E001
              name: 示例化工有限公司
              region: chengguan
              sector: weihua

            """),
            ("content/notices/\(today.iso)-wangzhan-kaitong.md", """
            ---
            title: 关于安全生产委员会办公室网站开通的通知
            date: \(today.iso)                  # 成文日期
            doc_no: 1                                # 发文字号：安委办〔\(today.year)〕1号
            to: 各乡镇人民政府，县安委会各成员单位   # 主送机关
            slug: wangzhan-kaitong                   # 网址名：/notices/wangzhan-kaitong/
            ---

            县安全生产委员会办公室网站即日起开通，集中发布安全生产通知公告、工作简报、月度通报和曝光信息。

            这是 `tongbao init` 生成的示例通知，可以修改或删除。新建通知用 `tongbao new notice "标题"`。

            """),
        ]
    }

    /// Creates the site in `folder`, which must not exist or be empty. Returns the files written.
    public static func create(in folder: URL, today: Day) throws(Failure) -> [String] {
        let folder = folder.standardizedFileURL
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw Failure(description: "\(folder.path) 是一个文件，不是目录：请换一个名字") }
            let entries = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
            guard entries.isEmpty else {
                throw Failure(description: "目录 \(folder.path) 不是空的，未写入任何文件：请换一个新目录，或先清空它")
            }
        }
        let files = files(today: today)
        do {
            for (path, text) in files {
                let file = folder.appendingPathComponent(path)
                try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: file, options: .withoutOverwriting)
            }
        } catch {
            throw Failure(description: "无法在 \(folder.path) 中创建站点：\(error.localizedDescription)")
        }
        return files.map(\.path)
    }
}
