import CCrypto
import Diagnostics
import Foundation
import Parallel

/// SHA-256 checksums of the files of a dataset folder, as the manifest lists them.
public enum DatasetChecksums {
    /// The SHA-256 of the file at `path`, as 64 lower-case hex digits. Reads with `read(2)`
    /// into one 64 KiB buffer (constant memory; no allocation per chunk: a dataset checksums one
    /// small file per image). Throws an `InputError` naming `path` when it cannot be read.
    public static func sha256(ofFile path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InputError(file: path, message: "cannot open for reading") }
        defer { close(descriptor) }
        // OpenSSL's libcrypto (EVP interface), one context per call.
        guard let context = EVP_MD_CTX_new() else { throw InputError(file: path, message: "cannot start a SHA-256 digest (out of memory)") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw InputError(file: path, message: "cannot start a SHA-256 digest (libcrypto)")
        }
        let chunkSize = 1 << 16
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer, chunkSize)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, message: "cannot read: " + String(cString: strerror(errno)))
            }
            EVP_DigestUpdate(context, buffer, count)
        }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
            throw InputError(file: path, message: "cannot finish the SHA-256 digest (libcrypto)")
        }
        return hex(digest)
    }

    /// The SHA-256 of `bytes` in memory, as 64 lower-case hex digits (what `sha256(ofFile:)`
    /// gives for a file holding them).
    public static func sha256(of bytes: Data) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        precondition(ok == 1 && length == 32, "libcrypto SHA-256 failed")
        return hex(digest)
    }

    /// `bytes` as lower-case hex digits, two per byte.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 2 * bytes.count) { out in
            for (i, byte) in bytes.enumerated() {
                out[2 * i] = digits[Int(byte >> 4)]
                out[2 * i + 1] = digits[Int(byte & 15)]
            }
            return 2 * bytes.count
        }
    }

    /// Every entry below `folder` that is not a folder, as paths relative to `folder` (`/`
    /// separated), sorted; `excluding` names top-level entries to leave out (the manifest).
    /// Walks without recursion, so any depth is safe. `nonRegular` receives the entries that
    /// are neither folders nor regular files (links, FIFOs, devices; sorted): they are not listed.
    /// An entry's kind comes from `readdir`'s `d_type` where the file system gives it (ext4,
    /// tmpfs, xfs, btrfs), else from `lstat` (issue 15: a manifest of small images spent a
    /// quarter of its time in one `lstat` per file). Throws `InputError` naming a folder that
    /// cannot be listed, an entry that cannot be read, or a name that is not UTF-8.
    public static func files(in folder: String, excluding: Set<String> = [],
                             nonRegular: inout [String]) throws -> [String] {
        var pending = [""]
        var found: [String] = [], other: [String] = []
        while let relative = pending.popLast() {
            let absolute = relative.isEmpty ? folder : folder + "/" + relative
            try forEachEntry(in: absolute) { name, type in
                if relative.isEmpty && excluding.contains(name) { return }
                let child = relative.isEmpty ? name : relative + "/" + name
                var kind = type
                if kind == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(folder + "/" + child, &info) == 0 else {
                        throw InputError(file: folder + "/" + child, message: "cannot read: " + String(cString: strerror(errno)))
                    }
                    kind = UInt8((info.st_mode & S_IFMT) >> 12)     // glibc's IFTODT: the `d_type` of that mode
                }
                switch kind {
                case UInt8(DT_DIR): pending.append(child)
                case UInt8(DT_REG): found.append(child)
                default: other.append(child)
                }
            }
        }
        nonRegular += other.sorted()
        return found.sorted()
    }

    /// Calls `body` with the name and `d_type` (`DT_UNKNOWN` when the file system does not say)
    /// of every entry of the folder `path` but `.` and `..`, in directory order.
    private static func forEachEntry(in path: String, _ body: (String, UInt8) throws -> Void) throws {
        guard let directory = opendir(path) else {
            throw InputError(file: path, message: "cannot list folder: " + String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw InputError(file: path, message: "cannot list folder: " + String(cString: strerror(errno))) }
                return
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validatingCString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard let name else { throw InputError(file: path, message: "holds a file whose name is not UTF-8") }
            if name == "." || name == ".." { continue }
            try body(name, entry.pointee.d_type)
        }
    }

    /// `files(in:)` with each file's SHA-256 (files read in parallel), for a manifest. `known`
    /// gives the digests of files the caller wrote itself, computed from the bytes it wrote
    /// (relative path → digest): those files are listed but not read back. Throws an `InputError`
    /// naming the first entry (in sorted order) that is not a folder or a regular file, or the
    /// error of the first file (in sorted order) that cannot be read.
    public static func checksums(of folder: String, excluding: Set<String>, known: [String: String] = [:]) throws -> [String: String] {
        var nonRegular: [String] = []
        let relative = try files(in: folder, excluding: excluding, nonRegular: &nonRegular)
        if let first = nonRegular.first {
            throw InputError(file: folder + "/" + first, message: "not a regular file (link, FIFO or device) inside a dataset")
        }
        let sums = try parallelMap(relative.count) { try known[relative[$0]] ?? sha256(ofFile: folder + "/" + relative[$0]) }
        return Dictionary(uniqueKeysWithValues: zip(relative, sums))
    }
}
