import Testing
@testable import TongbaoKit

@Suite struct CreditCodeTests {
    @Test func acceptsValidCodes() {
        #expect(CreditCode.isValid("91110000600037341L"))
        #expect(CreditCode.isValid("91350100M000100Y43"))
    }

    @Test func reportsWhatIsWrong() {
        #expect(CreditCode.problem(with: "91350100M000100Y44") == .checkCharacter(expected: "3"))
        #expect(CreditCode.problem(with: "91110000600037341") == .length(17))
        #expect(CreditCode.problem(with: "91110000600037341I") == .character("I"))
        #expect(CreditCode.problem(with: "9111000060003734lL") == .character("l"))
    }
}

@Suite struct AccidentLevelTests {
    func level(_ deaths: Int, _ injuries: Int, _ loss: String) -> AccidentLevel {
        AccidentLevel.classify(deaths: deaths, seriousInjuries: injuries, directLoss: FixedDecimal(parsing: loss, scale: 4)!)
    }

    @Test func deathThresholdsBelongToTheHigherLevel() {
        #expect(level(2, 0, "0") == .ordinary)
        #expect(level(3, 0, "0") == .larger)
        #expect(level(9, 0, "0") == .larger)
        #expect(level(10, 0, "0") == .major)
        #expect(level(29, 0, "0") == .major)
        #expect(level(30, 0, "0") == .especiallyMajor)
    }

    @Test func injuryThresholds() {
        #expect(level(0, 9, "0") == .ordinary)
        #expect(level(0, 10, "0") == .larger)
        #expect(level(0, 49, "0") == .larger)
        #expect(level(0, 50, "0") == .major)
        #expect(level(0, 99, "0") == .major)
        #expect(level(0, 100, "0") == .especiallyMajor)
    }

    @Test func lossThresholdsInTenThousandYuan() {
        #expect(level(0, 0, "999.9999") == .ordinary)
        #expect(level(0, 0, "1000") == .larger)
        #expect(level(0, 0, "4999.99") == .larger)
        #expect(level(0, 0, "5000") == .major)
        #expect(level(0, 0, "9999.9999") == .major)
        #expect(level(0, 0, "10000") == .especiallyMajor)
    }

    @Test func highestMeasureWins() {
        #expect(level(1, 55, "10") == .major)
        #expect(level(3, 0, "20000") == .especiallyMajor)
        #expect(AccidentLevel.major.name == "重大")
    }
}

@Suite struct SlugTests {
    @Test func fileNamesLoseTheirDatePrefix() {
        #expect(Slug.fromFileName("notices/2021-06-15-tuijin.md") == "tuijin")
        #expect(Slug.fromFileName("notices/tuijin-2021.md") == "tuijin-2021")
        #expect(Slug.fromFileName("notices/2021-06-15.md") == "2021-06-15")
        #expect(Slug.fromFileName("notices/2021-06-15-推进会.md") == nil)
        #expect(Slug.fromFileName("notices/my notice.md") == nil)
    }

    @Test func validSlugsAreURLSafeASCII() {
        #expect(Slug.isValid("tuijin-2021"))
        #expect(Slug.isValid("a_b"))
        #expect(!Slug.isValid("-a"))
        #expect(!Slug.isValid("../etc"))
        #expect(!Slug.isValid("推进"))
        #expect(!Slug.isValid(""))
    }

    @Test func safeRelativePaths() {
        #expect(Slug.isSafeRelativePath("files/a.pdf"))
        #expect(!Slug.isSafeRelativePath("/etc/passwd"))
        #expect(!Slug.isSafeRelativePath("files/../../x"))
        #expect(!Slug.isSafeRelativePath("files//x"))
    }
}

@Suite struct FigureTests {
    @Test func rectificationRateHasOneDecimal() {
        #expect(RectificationRate(found: 15, rectified: 14).percentText == "93.3")
        #expect(RectificationRate(found: 3, rectified: 2).percentText == "66.7")
        #expect(RectificationRate(found: 8, rectified: 8).percentText == "100.0")
        #expect(RectificationRate(found: 0, rectified: 0).percentText == "—")
        #expect(RectificationRate(found: 0, rectified: 0).value == nil)
        #expect(RectificationRate(found: 2000, rectified: 1999).percentText == "100.0")
        #expect(RectificationRate(found: 2000, rectified: 1998).percentText == "99.9")
    }

    @Test func hazardStatusAsOfADay() {
        let hazard = Hazard(id: "h", enterprise: 0, found: Day(year: 2021, month: 6, day: 1)!, description: "d", level: .general,
                            deadline: Day(year: 2021, month: 6, day: 10)!, rectified: Day(year: 2021, month: 6, day: 12)!,
                            supervised: false, inspection: nil)
        #expect(HazardStatus.of(hazard, asOf: Day(year: 2021, month: 5, day: 31)!) == nil)
        #expect(HazardStatus.of(hazard, asOf: Day(year: 2021, month: 6, day: 10)!) == .inProgress)
        #expect(HazardStatus.of(hazard, asOf: Day(year: 2021, month: 6, day: 11)!) == .overdue)
        #expect(HazardStatus.of(hazard, asOf: Day(year: 2021, month: 6, day: 12)!) == .rectified)
    }

    @Test func decimalsAreExact() {
        let a = FixedDecimal(parsing: "0.1", scale: 4)!, b = FixedDecimal(parsing: "0.2", scale: 4)!
        #expect((a + b).description == "0.3")
        #expect(FixedDecimal(parsing: "35.5", scale: 4)!.description == "35.5")
        #expect(FixedDecimal(parsing: "120", scale: 4)!.description == "120")
        #expect(FixedDecimal(parsing: "1.23456", scale: 4) == nil)
        #expect(FixedDecimal(parsing: "-1", scale: 4) == nil)
        #expect(FixedDecimal(parsing: "1.", scale: 4) == nil)
    }
}

@Suite struct PaginationTests {
    @Test func windowsLongLists() {
        #expect(Pagination.window(current: 1, total: 1) == [1])
        #expect(Pagination.window(current: 1, total: 5) == [1, 2, 3, 4, 5])
        #expect(Pagination.window(current: 1, total: 50) == [1, 2, 3, nil, 50])
        #expect(Pagination.window(current: 25, total: 50) == [1, nil, 23, 24, 25, 26, 27, nil, 50])
        #expect(Pagination.window(current: 5, total: 50) == [1, 2, 3, 4, 5, 6, 7, nil, 50])
        #expect(Pagination.window(current: 50, total: 50) == [1, nil, 48, 49, 50])
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func updatesInPiecesGiveTheSameDigest() {
        let bytes = Array("安全生产专项整治三年行动".utf8) + Array(repeating: 7, count: 200)
        var hash = SHA256()
        for chunk in stride(from: 0, to: bytes.count, by: 37) { hash.update(bytes[chunk..<min(chunk + 37, bytes.count)]) }
        #expect(hash.finalizeHex() == SHA256.hex(bytes))
    }
}

@Suite struct TrimmingTests {
    @Test func trimsSpacesTabsAndFullWidthSpaces() {
        #expect(" 城关镇 ".trimmingSpaces == "城关镇")
        #expect("\u{3000}城关镇\u{3000}".trimmingSpaces == "城关镇")
        #expect("\t\u{A0}a b\u{A0}".trimmingSpaces == "a b")
        #expect("城关镇".trimmingSpaces == "城关镇")
        #expect("   ".trimmingSpaces == "")
        #expect("".trimmingSpaces == "")
        // Last bytes that only look like a space's: 一 is E4 B8 80, 砠 is E7 A0 A0.
        #expect("统一".trimmingSpaces == "统一")
        #expect("砠".trimmingSpaces == "砠")
        #expect("a b c"[...].dropFirst(2).trimmingSpaces == "b c")
    }
}

@Suite struct ByteReplaceTests {
    @Test func replacesLeftToRightFirstPatternWinning() {
        #expect(ByteReplace.replacing("<td align=\"left\">甲</td>", [("<td align=\"", "<td class=\"align-")]) == "<td class=\"align-left\">甲</td>")
        #expect(ByteReplace.replacing("ab安cab", [("ab", "X"), ("安c", "Y"), ("a", "Z")]) == "XYX")
        #expect(ByteReplace.replacing("aaa", [("aa", "b")]) == "ba")
        #expect(ByteReplace.replacing("不变", [("", "x"), ("z", "y")]) == "不变")
        #expect(ByteReplace.replacing("", [("a", "b")]) == "")
    }
}
