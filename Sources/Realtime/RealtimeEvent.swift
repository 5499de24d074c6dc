/// One event for the realtime layer: its type, the class and student it concerns, and its JSON
/// body (an object with `type`, `student_id`, `class_id` and the event's fields, serialised once).
/// Channels add their sequence number when they deliver it.
public struct RealtimeEvent: Sendable, Equatable {
    /// `assessment_graded`, `mastery_updated`, `recommendation_generated`, `student_update`, ...
    public var type: String
    public var classID: String?
    public var studentID: String?
    /// The event as a JSON object, UTF-8.
    public var body: [UInt8]

    public init(type: String, classID: String?, studentID: String?, body: [UInt8]) {
        self.type = type
        self.classID = classID
        self.studentID = studentID
        self.body = body
    }

    /// The channels that receive it: the class dashboard and the student's own channel.
    public var channels: [String] {
        var result: [String] = []
        if let classID { result.append("dashboard:\(classID)") }
        if let studentID { result.append("student:\(studentID)") }
        return result
    }
}

/// Where the domain publishes events (the in-process hub now; brokers later).
public protocol EventPublisher: Sendable {
    func publish(_ event: RealtimeEvent) async
}
