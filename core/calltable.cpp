#include "calltable.h"

#include "protocol.h"

namespace procession {

Call *CallTable::add(int lane, const QString &fn)
{
    auto owned = std::make_unique<Call>();
    Call *c = owned.get();
    m_calls.push_back(std::move(owned));
    c->id = qint64(m_calls.size());
    c->lane = lane;
    c->function = fn;
    c->outcome.call = c->id;
    return c;
}

Call *CallTable::add(int lane, const QString &fn, const QCborArray &args, const QCborMap &kwargs)
{
    Call *c = add(lane, fn);
    c->args = args;
    c->kwargs = kwargs;
    // Rendered once: the dispatch event shows it in full, the label clipped.
    c->argsText = protocol::displayArgs(args, kwargs);
    c->label =
        fn + QLatin1Char('(') +
        (c->argsText.size() > 60 ? c->argsText.left(59) + QStringLiteral("…") : c->argsText) +
        QLatin1Char(')');
    c->outcome.worker = lane;
    return c;
}

Call *CallTable::find(qint64 id) const
{
    if (id < 1 || id > qint64(m_calls.size()))
        return nullptr;
    return m_calls[size_t(id - 1)].get();
}

} // namespace procession
