/// One event for the realtime layer: its type, the class and student it concerns, and its JSON
/// body (an object with `type`, `student_id`, `class_id` and the event's fields, serialised once).
/// Channels add their sequence number when they deliver it.
public struct RealtimeEvent: Sendable, Equatable {
    /// `assessment_graded`, `mastery_updated`, `recommendation_generated`, `student_update`,
    /// `pipeline_progress`, ...
    public var type: String
    public var classID: String?
    public var studentID: String?
    /// The event as a JSON object, UTF-8.
    public var body: [UInt8]
    /// Channels named explicitly (`nil`: derived from the class and the student).
    public var explicitChannels: [String]?

    public init(type: String, classID: String?, studentID: String?, body: [UInt8], channels: [String]? = nil) {
        self.type = type
        self.classID = classID
        self.studentID = studentID
        self.body = body
        self.explicitChannels = channels
    }

    /// The channel of import, embedding and index progress.
    public static let pipelineChannel = "pipeline"

    /// The channels that receive it: the class dashboard and the student's own channel, unless
    /// named explicitly.
    public var channels: [String] {
        if let explicitChannels { return explicitChannels }
        var result: [String] = []
        if let classID { result.append("dashboard:\(classID)") }
        if let studentID { result.append("student:\(studentID)") }
        return result
    }
}

/// Where the domain publishes events.
public protocol EventPublisher: Sendable {
    func publish(_ event: RealtimeEvent) async
    /// Publishes events that belong together (a grading's events), in order. Brokers hand them
    /// on in one go, so a subscriber of several of them receives them in one write.
    func publish(_ events: [RealtimeEvent]) async
}

extension EventPublisher {
    /// One at a time, in order.
    public func publish(_ events: [RealtimeEvent]) async {
        for event in events { await publish(event) }
    }
}
