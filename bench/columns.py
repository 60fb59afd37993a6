"""The landing columns the traits and the scoring read: what the scan limit and the pandas alternative load."""

# Every column of the landing feeds that a trait or the scoring reads (customer_id, profile and dates included).
COLUMNS_READ = {
    "customers": ["customer_id", "industry", "employees", "region", "signup_date"],
    "orders": ["order_id", "customer_id", "order_date", "status", "currency"],
    "order_lines": [
        "order_id",
        "product_category",
        "is_premium",
        "is_service",
        "list_amount",
        "discount_amount",
        "net_amount",
        "cost_amount",
    ],
    "invoices": ["invoice_id", "customer_id", "order_id", "issued_date", "due_date", "amount"],
    "payments": ["invoice_id", "paid_date", "amount"],
    "support_tickets": ["customer_id", "opened_at", "category", "escalated"],
    "fx_rates": ["currency", "rate_to_base"],
}
