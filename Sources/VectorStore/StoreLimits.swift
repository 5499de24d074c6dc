/// Bounds on what one request may ask of the store; beyond them a request is an `invalidArgument`
/// or `invalidFilter` error (HTTP 400) and nothing is stored. They keep one request from holding
/// the engine or the database for long, or from allocating without bound.
public struct StoreLimits: Sendable, Equatable {
    /// Most records in one write, and most ids in one `get` or `delete` (Chroma's max batch size
    /// is of this order).
    public var maxBatchSize: Int
    /// Most query texts or query embeddings in one query (query texts are embedded: 2,048 short
    /// texts take about a second of the engine).
    public var maxQueries: Int
    /// Largest embedding dimension a collection accepts.
    public var maxDimension: Int
    /// Most results per query (`n_results` beyond a collection's count is read as its count).
    public var maxResults: Int
    /// Bounds on `where` / `where_document` filters.
    public var filter: FilterLimits

    public init(maxBatchSize: Int = 10_000, maxQueries: Int = 2_048, maxDimension: Int = 16_384, maxResults: Int = 10_000,
                filter: FilterLimits = FilterLimits()) {
        self.maxBatchSize = maxBatchSize
        self.maxQueries = maxQueries
        self.maxDimension = maxDimension
        self.maxResults = maxResults
        self.filter = filter
    }
}
