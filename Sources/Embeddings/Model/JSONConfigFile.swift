import Foundation

/// A JSON object read from one of the model directory's configuration files, with typed accessors
/// that report the file and key on failure.
struct JSONConfigFile {
    let path: String
    let values: [String: Any]

    /// Reads `path`; `nil` when the file does not exist and `optional` is set.
    static func read(_ path: String, optional: Bool = false) throws(ModelError) -> JSONConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else {
            if optional { return nil }
            throw .missingFile(path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .missingFile(path: path)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any] else {
            throw .invalidJSON(path: path)
        }
        return JSONConfigFile(path: path, values: dictionary)
    }

    func has(_ key: String) -> Bool {
        guard let value = values[key] else { return false }
        return !(value is NSNull)
    }

    func int(_ key: String) throws(ModelError) -> Int {
        guard has(key) else { throw .missingKey(file: path, key: key) }
        return try intValue(key)
    }

    func int(_ key: String, default fallback: Int) throws(ModelError) -> Int {
        has(key) ? try intValue(key) : fallback
    }

    func positiveInt(_ key: String) throws(ModelError) -> Int {
        let value = try int(key)
        guard value > 0 else { throw .invalidValue(file: path, key: key, reason: "must be positive, is \(value)") }
        return value
    }

    private func intValue(_ key: String) throws(ModelError) -> Int {
        guard let number = values[key] as? NSNumber, !isBool(number) else {
            throw .invalidValue(file: path, key: key, reason: "must be an integer")
        }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e12 else {
            throw .invalidValue(file: path, key: key, reason: "must be an integer")
        }
        return Int(double)
    }

    func double(_ key: String) throws(ModelError) -> Double {
        guard has(key) else { throw .missingKey(file: path, key: key) }
        guard let number = values[key] as? NSNumber, !isBool(number), number.doubleValue.isFinite else {
            throw .invalidValue(file: path, key: key, reason: "must be a number")
        }
        return number.doubleValue
    }

    func string(_ key: String) throws(ModelError) -> String {
        guard has(key) else { throw .missingKey(file: path, key: key) }
        guard let text = values[key] as? String else {
            throw .invalidValue(file: path, key: key, reason: "must be a string")
        }
        return text
    }

    func optionalString(_ key: String) throws(ModelError) -> String? {
        has(key) ? try string(key) : nil
    }

    func bool(_ key: String, default fallback: Bool) throws(ModelError) -> Bool {
        guard has(key) else { return fallback }
        return try boolValue(key)
    }

    func optionalBool(_ key: String) throws(ModelError) -> Bool? {
        has(key) ? try boolValue(key) : nil
    }

    private func boolValue(_ key: String) throws(ModelError) -> Bool {
        if let flag = values[key] as? Bool { return flag }
        throw .invalidValue(file: path, key: key, reason: "must be true or false")
    }

    private func isBool(_ number: NSNumber) -> Bool {
        #if canImport(Darwin)
        return CFGetTypeID(number) == CFBooleanGetTypeID()
        #else
        return false
        #endif
    }
}
