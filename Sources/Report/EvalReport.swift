/// `eval.json`: tables whose rows are the defenses compared (baselines and the trained
/// pipeline) and whose columns are metrics. A `null` value means the metric does not apply.
public struct EvalReport: Decodable, Equatable, Sendable {
    public struct Row: Decodable, Equatable, Sendable {
        public var name: String
        public var values: [String: Double?]
    }

    public struct Table: Decodable, Equatable, Sendable {
        public var title: String
        public var columns: [String]
        public var rows: [Row]
    }

    public var tables: [Table]
}
