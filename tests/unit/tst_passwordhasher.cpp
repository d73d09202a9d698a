#include "crypto/PasswordHasher.h"

#include <QRegularExpression>
#include <QTest>

#include <argon2.h>

using namespace cfl;

namespace {

// Far below the production cost (19 MiB, t=2) so that the suite stays fast, also under ASan.
constexpr PasswordHashCost kTestCost { 1, 64, 1 };

// libargon2's own known-answer vector (src/test.c: argon2id, t=2, m=2^8, p=1, "password", "somesalt").
const QByteArray kReferenceHash(
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4");

} // namespace

class tst_PasswordHasher : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void wrongPassword();
    void saltIsFresh();
    void defaultCost();
    void referenceVector();
    void libargon2ReadsOurs();
    void refusesGarbage_data();
    void refusesGarbage();
    void refusesCostOutOfBounds_data();
    void refusesCostOutOfBounds();
};

void tst_PasswordHasher::roundTrip_data()
{
    QTest::addColumn<QByteArray>("password");

    QTest::newRow("ascii") << QByteArray("correct horse battery staple");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("utf-8") << QByteArray("pässwörd 🔑");
    QTest::newRow("with NUL") << QByteArray("before\0after", 12);
    QTest::newRow("long") << QByteArray(4096, 'p');
}

void tst_PasswordHasher::roundTrip()
{
    QFETCH(QByteArray, password);

    const QByteArray hash = hashPassword(password, kTestCost);
    QVERIFY2(hash.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), hash.constData());
    QVERIFY(!hash.contains(password.isEmpty() ? QByteArray("\0", 1) : password));
    QVERIFY(verifyPassword(hash, password));
}

void tst_PasswordHasher::wrongPassword()
{
    const QByteArray hash = hashPassword("hunter2", kTestCost);
    QVERIFY(!verifyPassword(hash, "hunter3"));
    QVERIFY(!verifyPassword(hash, "Hunter2"));
    QVERIFY(!verifyPassword(hash, "hunter2 "));
    QVERIFY(!verifyPassword(hash, ""));
    // The NUL does not cut the password short.
    QVERIFY(!verifyPassword(hash, QByteArray("hunter2\0x", 9)));
}

void tst_PasswordHasher::saltIsFresh()
{
    const QByteArray first = hashPassword("same", kTestCost);
    const QByteArray second = hashPassword("same", kTestCost);
    QVERIFY(first != second);
    // $argon2id$v=19$m=..$<salt>$<hash>: 16 bytes of salt = 22 characters, 32 bytes of hash = 43 (RFC 9106
    // §4).
    const QList<QByteArray> fields = first.split('$');
    QCOMPARE(fields.size(), 6);
    QCOMPARE(fields[4].size(), 22);
    QCOMPARE(fields[5].size(), 43);
}

void tst_PasswordHasher::defaultCost()
{
    const QByteArray hash = hashPassword("bank password");
    QVERIFY2(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash.constData());
    QVERIFY(verifyPassword(hash, "bank password"));
}

void tst_PasswordHasher::referenceVector()
{
    QVERIFY(verifyPassword(kReferenceHash, "password"));
    QVERIFY(!verifyPassword(kReferenceHash, "passwore"));
}

void tst_PasswordHasher::libargon2ReadsOurs()
{
    // The PHC string is written here (the hash runs on pooled memory through an argon2_context), so
    // libargon2's own parser and verifier must take it, as they take the hashes stored before.
    const QByteArray hash = hashPassword("correct horse", PasswordHashCost { 1, 64, 1 });
    QCOMPARE(argon2id_verify(hash.constData(), "correct horse", 13), int(ARGON2_OK));
    QCOMPARE(argon2id_verify(hash.constData(), "correct horsf", 13), int(ARGON2_VERIFY_MISMATCH));
    // And one libargon2 wrote itself verifies here.
    char encoded[128] = {};
    QCOMPARE(argon2id_hash_encoded(1, 64, 1, "battery", 7, "saltsaltsalt", 12, 32, encoded, sizeof encoded),
        int(ARGON2_OK));
    QVERIFY(verifyPassword(QByteArray(encoded), "battery"));
    QVERIFY(!verifyPassword(QByteArray(encoded), "batterz"));
}

void tst_PasswordHasher::refusesGarbage_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QByteArray>("password");

    QByteArray reference = kReferenceHash;
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("plain text stored") << QByteArray("password") << QByteArray("password");
    QTest::newRow("argon2i") << QByteArray(
        "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8")
                             << QByteArray("password");
    QTest::newRow("bcrypt") << QByteArray("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")
                            << QByteArray("password");
    QTest::newRow("version 16") << QByteArray(reference).replace("v=19", "v=16") << QByteArray("password");
    QTest::newRow("no hash") << kReferenceHash.left(kReferenceHash.lastIndexOf('$'))
                             << QByteArray("password");
    QTest::newRow("truncated hash") << kReferenceHash.chopped(5) << QByteArray("password");
    QTest::newRow("trailing field") << kReferenceHash + "$x" << QByteArray("password");
    QTest::newRow("NUL inside") << QByteArray(kReferenceHash).insert(20, '\0') << QByteArray("password");
    QTest::newRow("NUL at the end") << kReferenceHash + QByteArray(1, '\0') << QByteArray("password");
    QTest::newRow("parameters reordered")
        << QByteArray(reference).replace("m=256,t=2", "t=2,m=256") << QByteArray("password");
    QTest::newRow("negative memory") << QByteArray(reference).replace("m=256", "m=-256")
                                     << QByteArray("password");
    // A crafted row must not make a login allocate 4 TiB or run for hours.
    QTest::newRow("memory 4 TiB") << QByteArray(reference).replace("m=256", "m=4294967295")
                                  << QByteArray("password");
    QTest::newRow("memory overflows 32 bits")
        << QByteArray(reference).replace("m=256", "m=4294967552") << QByteArray("password");
    QTest::newRow("4 billion passes")
        << QByteArray(reference).replace("t=2", "t=4000000000") << QByteArray("password");
    QTest::newRow("1000 lanes") << QByteArray(reference).replace("p=1", "p=1000") << QByteArray("password");
    QTest::newRow("random bytes") << QByteArray("\x8f\x01$argon2id$\xff\xfe") << QByteArray("password");
}

void tst_PasswordHasher::refusesGarbage()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QByteArray, password);

    QVERIFY(!verifyPassword(encoded, password));
}

void tst_PasswordHasher::refusesCostOutOfBounds_data()
{
    QTest::addColumn<quint32>("timeCost");
    QTest::addColumn<quint32>("memoryKiB");
    QTest::addColumn<quint32>("parallelism");

    QTest::newRow("no passes") << 0u << 64u << 1u;
    QTest::newRow("below argon2's 8 KiB per lane") << 1u << 15u << 2u;
    QTest::newRow("no lanes") << 1u << 64u << 0u;
    QTest::newRow("more memory than verify accepts") << 1u << 1024u * 1024u << 1u;
}

void tst_PasswordHasher::refusesCostOutOfBounds()
{
    QFETCH(quint32, timeCost);
    QFETCH(quint32, memoryKiB);
    QFETCH(quint32, parallelism);

    // An empty hash never verifies: storing it locks the account rather than opening it.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing argon2id cost")));
    const QByteArray hash = hashPassword("pw", PasswordHashCost { timeCost, memoryKiB, parallelism });
    QVERIFY(hash.isEmpty());
    QVERIFY(!verifyPassword(hash, "pw"));
    QVERIFY(!verifyPassword(hash, ""));
}

QTEST_GUILESS_MAIN(tst_PasswordHasher)
#include "tst_passwordhasher.moc"
